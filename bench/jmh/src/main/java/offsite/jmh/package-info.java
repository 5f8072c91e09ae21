/** JMH benchmarks of Offsite's in-process kernels (local ETags, librsync signature, delta and patch) on real files. */
package offsite.jmh;

/** Package delta writes and applies librsync (rdiff 2.3) signatures and deltas, byte-compatible with rdiff. */
package offsite.delta;

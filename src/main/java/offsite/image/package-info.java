/** Package image backs up a machine hourly: a scrubbed base tar, an encrypted secret archive, complete images and rdiff deltas. */
package offsite.image;

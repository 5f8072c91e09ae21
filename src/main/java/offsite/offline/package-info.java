/** Package offline keeps monthly snapshots of the backup set on a local drive, as a belt to S3's braces. */
package offsite.offline;

/** Package sync mirrors a backup-set directory to S3: scan, plan by ETag and size, upload in a window, delete safely. */
package offsite.sync;

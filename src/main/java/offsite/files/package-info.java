/** Package files holds the local-file operations the pipelines share: SHA-256 of files and streams, removing a tree, telling a full disk, checking a restore's target. */
package offsite.files;

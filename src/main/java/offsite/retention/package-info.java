/** Package retention decides which image backups to keep, with restic's forget semantics, never orphaning a kept diff. */
package offsite.retention;

/** Package store reaches S3: the one configured client, the embedded server, and what the Camel component lacks. */
package offsite.store;

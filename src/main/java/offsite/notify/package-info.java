/** Package notify tells someone else how each run went: the report by mail and webhook and a heartbeat ping. */
package offsite.notify;

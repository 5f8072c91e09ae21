/** Package notify tells someone else how each run went: the report by mail and webhook, a heartbeat ping, and windows missed while the process was down. */
package offsite.notify;

/** Package activity records every S3 request either pipeline makes, one JSON line each, never rewritten. */
package offsite.activity;

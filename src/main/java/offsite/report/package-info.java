/** Package report tells at a glance how a run went: OK, WARN or FAILED first, then figures, as text and JSON. */
package offsite.report;

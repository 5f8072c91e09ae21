/** Package cli is the command line: run (the long-running process) and the one-shot commands. */
package offsite.cli;

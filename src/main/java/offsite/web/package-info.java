/** Package web serves the status page, the JSON API, downloads, metrics and health checks of the running process. */
package offsite.web;

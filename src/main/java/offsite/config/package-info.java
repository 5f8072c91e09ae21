/** Package config reads every offsite.* setting once, checks it, and names the setting in every error. */
package offsite.config;

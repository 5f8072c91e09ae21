/** Package offsite starts the application: settings in, beans built, Camel routes from routes/ run. */
package offsite;

/** Package cost prices what is stored and sent, from the real inventory and activity, with prices from the settings. */
package offsite.cost;

package offsite.cli;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import offsite.activity.Totals;
import offsite.cost.MonthlyCost;
import offsite.report.ByteSize;
import offsite.web.StatusPage;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** The status page's first screen in the terminal: each pipeline's state, storage and cost. */
@Command(name = "status", description = "Show each pipeline's state and last run, what is stored, and the month's cost.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    OffsiteCommand parent;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() throws Exception {
        try (OneShot app = new OneShot(parent.configFile(), "status", Map.of())) {
            StatusPage page = app.bean("statusPage", StatusPage.class);
            Map<String, Object> status = page.status();
            for (Object problem : (List<Object>) status.get("problems")) {
                System.out.println("!!     " + problem);
            }
            for (String name : new String[] {"sync", "image", "offline"}) {
                Map<String, Object> p = (Map<String, Object>) status.get(name);
                if (p == null) { // the offline copy only when offsite.offline.destination is set
                    continue;
                }
                System.out.printf("%-6s %-8s %s%n", name, p.get("state"), p.get("headline"));
                if (p.get("nextWindow") != null) {
                    System.out.printf("       next: %s%n", p.get("nextWindow"));
                }
                if (p.get("nextTry") != null) {
                    System.out.printf("       next try: %s (the set was in use)%n", p.get("nextTry"));
                }
                if (p.get("restoreTest") instanceof Map<?, ?> test) {
                    System.out.printf("       restore test %s: %s%n", test.get("finished"), test.get("headline"));
                }
                if (p.get("generations") instanceof List<?> gens && gens.size() > 1) {
                    for (Object g : gens) {
                        Map<String, Object> one = (Map<String, Object>) g;
                        System.out.printf("       generation %s (%s): %s%n", one.get("number"), one.get("prefix"), one.get("state"));
                    }
                }
            }
            for (Object c : (List<Object>) status.get("notifications")) {
                Map<String, Object> one = (Map<String, Object>) c;
                System.out.printf("%-6s %-8s %s%n", "notify", one.get("channel"), one.get("line"));
            }
            Map<String, Object> inventory = page.inventory();
            long total = 0;
            for (String part : new String[] {"mirror", "trash", "images"}) {
                Map<String, Object> p = (Map<String, Object>) inventory.get(part);
                long bytes = ((Number) p.get("bytes")).longValue();
                total += bytes;
                System.out.printf("%-6s %6s objects %12s%n", part, p.get("objects"), ByteSize.format(bytes));
            }
            for (Map.Entry<String, Object> older : ((Map<String, Object>) inventory.get("olderGenerations")).entrySet()) {
                Map<String, Object> p = (Map<String, Object>) older.getValue();
                long bytes = ((Number) p.get("bytes")).longValue();
                total += bytes;
                System.out.printf("older  %6s objects %12s  in %s%n", p.get("objects"), ByteSize.format(bytes), older.getKey());
            }
            for (Map.Entry<String, Totals> t : page.totals().entrySet()) {
                System.out.printf("%-6s %-13s %6d requests %12s sent %12s received %d failed%n", "s3", t.getKey(), t.getValue().requests(),
                        ByteSize.format(t.getValue().bytesSent()), ByteSize.format(t.getValue().bytesReceived()), t.getValue().failures());
            }
            MonthlyCost cost = page.cost(total);
            System.out.printf("cost   %s: %.4f USD so far, %.4f USD projected for the month%n", cost.month(), cost.monthToDate(), cost.projected());
            return 0;
        }
    }
}

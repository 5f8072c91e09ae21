package offsite.cli;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import offsite.OffsiteApp;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** The application started for one command: no schedule, no start-up pass; stopped on close. */
final class OneShot implements AutoCloseable {

    private final Main main;

    OneShot(Path config, String mode, Map<String, String> more) throws Exception {
        Map<String, String> overrides = new HashMap<>(more);
        overrides.put("offsite.mode", mode);
        overrides.put("offsite.sync.scheduled", "false");
        overrides.put("offsite.sync.run-on-start", "false");
        // a one-shot command beside the running process must not take its port: no status page, no /observe
        overrides.put("camel.server.enabled", "false");
        overrides.put("camel.management.enabled", "false");
        overrides.put("camel.main.routes-exclude-pattern", excludedRoutes(mode, OffsiteApp.routesFolders(config, more)));
        // no schedule runs, so Quartz needs no worker threads: its shutdown waited about 0.4 s for idle ones
        overrides.put("camel.component.quartz.auto-start-scheduler", "false");
        overrides.put("camel.component.quartz.properties[org.quartz.threadPool.class]", "org.quartz.simpl.ZeroSizeThreadPool");
        main = OffsiteApp.create(config, overrides);
        try {
            main.start();
        } catch (Exception e) {
            OffsiteApp.abandon(main);
            throw e;
        }
    }

    /**
     * Route files a command leaves out: the web pages always; sync and verify touch only the backup sets, and building
     * the image and offline-copy routes cost them about 0.3 s of CPU at each start; the offline copy needs neither S3 pipeline.
     */
    static String excludedRoutes(String mode, List<Path> folders) {
        List<String> names = switch (mode) {
            case "sync", "verify", "restore-set" -> List.of("web.yaml", "image.yaml", "offline.yaml");
            case "offline" -> List.of("web.yaml", "image.yaml", "sync.yaml");
            default -> List.of("web.yaml");
        };
        return folders.stream().flatMap(folder -> names.stream().map(name -> "file:" + folder + "/" + name))
                .collect(Collectors.joining(","));
    }

    CamelContext camel() {
        return main.getCamelContext();
    }

    /** The path a setting names as this run resolved it, made absolute as the configuration makes it; null when it is empty. */
    Path pathSetting(String name) {
        return camel().getPropertiesComponent().resolveProperty(name).filter(value -> !value.isBlank())
                .map(value -> Path.of(value.trim()).toAbsolutePath()).orElse(null);
    }

    <T> T bean(String name, Class<T> type) {
        return camel().getRegistry().lookupByNameAndType(name, type);
    }

    <T> T request(String endpoint, Object body, Class<T> type) {
        return camel().createProducerTemplate().requestBody(endpoint, body, type);
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}

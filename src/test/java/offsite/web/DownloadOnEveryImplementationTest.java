package offsite.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import offsite.report.RunStatus;
import offsite.report.SyncReport;
import offsite.testing.CephRgw;
import offsite.testing.OffsiteHarness;
import offsite.testing.S3Implementation;
import offsite.testing.S3rver;
import offsite.testing.TestS3;
import org.apache.camel.main.Main;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The status page's download, read through the bucket, on every S3 implementation this machine can start. */
class DownloadOnEveryImplementationTest {

    /** Names a key must survive on its way from the page's link to S3: a space, '+', '%', an encoded-looking '%2B', unicode. */
    private static final List<String> NAMES = List.of("Members/AA000001.rdb", "Set A.rbc", "Odd/plus+sign.rdb", "Odd/pct%20x.rdb",
            "Odd/sp ace+%2B%25 \u00fc\u20ac.rdb", "Odd/\u00fcn\u00efcode \u65e5\u672c.rdb");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static Stream<S3Implementation> implementations() {
        return Stream.of(TestS3.IMPLEMENTATION, S3rver.IMPLEMENTATION, CephRgw.IMPLEMENTATION);
    }

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @MethodSource("implementations")
    void a_stored_object_downloads_byte_for_byte_odd_names_too_and_a_missing_one_is_404(S3Implementation implementation) throws Exception {
        try (OffsiteHarness app = new OffsiteHarness(dir, implementation.bucket())) {
            app.set("offsite.sync.stable-for", "0m");
            long seed = 1;
            for (String name : NAMES) {
                app.write(name, name.startsWith("Members/") ? 6 << 20 : 3000 + (int) seed, seed++); // one multipart object
            }
            SyncReport sync = app.sync();
            assertThat(sync.status()).as(sync.headline() + " " + sync.errors()).isEqualTo(RunStatus.OK);
            Main running = app.startRunning();
            try {
                for (String name : NAMES) {
                    // as the page's link encodes it (URLEncoder: a space as '+'), and as a browser's %20 form
                    for (String encoded : List.of(URLEncoder.encode("sets/" + name, StandardCharsets.UTF_8),
                            URLEncoder.encode("sets/" + name, StandardCharsets.UTF_8).replace("+", "%20"))) {
                        HttpResponse<byte[]> got = download(app, encoded);
                        assertThat(got.statusCode()).as(encoded).isEqualTo(200);
                        assertThat(got.body()).as(encoded).isEqualTo(Files.readAllBytes(app.source.resolve(name)));
                    }
                }
                HttpResponse<byte[]> missing = download(app, URLEncoder.encode("sets/Odd/gone+x.rdb", StandardCharsets.UTF_8));
                assertThat(missing.statusCode()).isEqualTo(404);
                assertThat(new String(missing.body(), StandardCharsets.UTF_8)).isEqualTo("no such object");
            } finally {
                running.stop();
            }
        }
    }

    private static HttpResponse<byte[]> download(OffsiteHarness app, String encodedKey) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + app.httpPort() + "/download?key=" + encodedKey);
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(OffsiteHarness.ANSWER_WITHIN).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }
}

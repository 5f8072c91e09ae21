package offsite.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import offsite.faults.FaultProxy;
import offsite.faults.FaultProxy.Request;
import offsite.store.S3Settings;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy behind the fault proxy in one standing mode, playing a service that lacks something: pages shorter than
 * asked, a page sent twice, an optional operation refused (501 NotImplemented, 405 MethodNotAllowed, 400 InvalidRequest), first attempts
 * answered 503 SlowDown with Retry-After, or answers cut mid-body. One proxy per mode per test JVM.
 */
public final class FaultyS3 {

    private FaultyS3() {
    }

    public static final Predicate<Request> LIST_MULTIPART_UPLOADS = r -> r.method().equals("GET") && r.hasParameter("uploads")
            && r.bucketOnly();
    public static final Predicate<Request> LIST_PARTS = r -> r.method().equals("GET") && r.hasParameter("uploadId");
    /** CopyObject and UploadPartCopy: a PUT naming its source in x-amz-copy-source. */
    public static final Predicate<Request> COPY = r -> r.method().equals("PUT") && r.hasHeader("x-amz-copy-source");
    public static final Predicate<Request> CONTENT_MD5 = r -> r.method().equals("PUT") && r.hasHeader("content-md5");
    public static final Predicate<Request> RANGED_GET = r -> r.method().equals("GET") && r.hasHeader("range");
    public static final Predicate<Request> GET_BUCKET_VERSIONING = r -> r.method().equals("GET") && r.hasParameter("versioning");
    /**
     * Requests answered with XML that may be sent again: listings and multipart completions (not CreateMultipartUpload,
     * whose lost answer leaves an upload nobody knows, as on any service).
     */
    public static final Predicate<Request> XML_ANSWERS = r -> r.method().equals("POST") && r.hasParameter("uploadId")
            || r.method().equals("GET") && (r.hasParameter("list-type") || r.hasParameter("uploads") || r.hasParameter("uploadId"));

    public static final S3Implementation SHORT_PAGES = mode("S3Proxy, listings in pages of 3", Set.of(), true, p -> p.shortenPages(3));
    public static final S3Implementation NO_LIST_MULTIPART_UPLOADS = mode("S3Proxy refusing ListMultipartUploads (501)",
            Set.of("ListMultipartUploads"), false, p -> p.refuse(LIST_MULTIPART_UPLOADS, 501, "NotImplemented"));
    public static final S3Implementation NO_LIST_PARTS = mode("S3Proxy refusing ListParts (405)", Set.of("ListParts"), false,
            p -> p.refuse(LIST_PARTS, 405, "MethodNotAllowed"));
    public static final S3Implementation NO_COPY = mode("S3Proxy refusing CopyObject (501)", Set.of("CopyObject"), false,
            p -> p.refuse(COPY, 501, "NotImplemented"));
    public static final S3Implementation NO_CONTENT_MD5 = mode("S3Proxy refusing Content-MD5 (400 InvalidRequest)", Set.of("Content-MD5"),
            false, p -> p.refuse(CONTENT_MD5, 400, "InvalidRequest"));
    public static final S3Implementation NO_RANGED_GET = mode("S3Proxy refusing ranged GETs (405)", Set.of("ranged GET"), false,
            p -> p.refuse(RANGED_GET, 405, "MethodNotAllowed"));
    public static final S3Implementation NO_VERSIONING = mode("S3Proxy refusing GetBucketVersioning (501)", Set.of("GetBucketVersioning"),
            false, p -> p.refuse(GET_BUCKET_VERSIONING, 501, "NotImplemented"));
    public static final S3Implementation SLOW_DOWN = mode("S3Proxy answering 503 SlowDown with Retry-After", Set.of(), false,
            p -> p.slowDownFirstAttempts(r -> true, 6, 1));
    public static final S3Implementation CUT_ANSWERS = mode("S3Proxy cutting answers mid-body", Set.of(), false,
            p -> p.cutFirstAnswers(XML_ANSWERS, 2, 40));

    /**
     * S3Proxy in pages of 3 whose listings send their first page again in the second, as a server that repeats a page:
     * not among MODES, whose contract lists each key once as the server does. Offsite keeps each key once and says so.
     */
    public static final S3Implementation REPEATED_PAGES = mode("S3Proxy sending each listing's first page twice, in pages of 3",
            Set.of("listings without repeated keys"), true, p -> {
                p.shortenPages(3);
                p.repeatFirstPages();
            });

    /**
     * S3Proxy whose every ETag is opaque, as SSE-KMS or SSE-C make them: not among MODES, whose contract holds ETags to be
     * MD5s. Offsite finds it out from its first upload (offsite.s3.etag=auto).
     */
    public static final S3Implementation OPAQUE_ETAGS = mode("S3Proxy with ETags that are not MD5s (as SSE-KMS)", Set.of("MD5 ETags"), true,
            FaultProxy::opaqueEtags);

    /** The modes that refuse one optional operation each. */
    public static final List<S3Implementation> REFUSING = List.of(NO_LIST_MULTIPART_UPLOADS, NO_LIST_PARTS, NO_COPY, NO_CONTENT_MD5,
            NO_RANGED_GET, NO_VERSIONING);

    /** Every mode. */
    public static final List<S3Implementation> MODES = List.of(SHORT_PAGES, NO_LIST_MULTIPART_UPLOADS, NO_LIST_PARTS, NO_COPY,
            NO_CONTENT_MD5, NO_RANGED_GET, NO_VERSIONING, SLOW_DOWN, CUT_ANSWERS);

    /** A new bucket on an S3Proxy that does not check signatures, for a test's own fault proxy that rewrites requests. */
    public static S3Settings openBucket() {
        return S3Implementation.created(OpenS3Proxy.settings(S3Implementation.uniqueBucket()));
    }

    /** These settings pointed at a proxy on 127.0.0.1. */
    public static S3Settings through(S3Settings upstream, FaultProxy proxy) {
        return new S3Settings(URI.create("http://127.0.0.1:" + proxy.port()), upstream.region(), true, upstream.accessKey(),
                upstream.secretKey(), upstream.bucket(), upstream.checksumMode(), 4, true, false, upstream.listRecursive());
    }

    /** A mode lacks what S3Proxy behind it lacks, and what it refuses. */
    private static S3Implementation mode(String name, Set<String> refused, boolean open, Consumer<FaultProxy> rules) {
        Set<String> lacks = new TreeSet<>(TestS3.IMPLEMENTATION.lacks());
        lacks.addAll(refused);
        return new S3Implementation(name, Set.copyOf(lacks), new Mode(open, rules));
    }

    /** Fresh buckets behind one proxy, started with its rules on first use. */
    private static final class Mode implements Supplier<S3Settings> {
        private final boolean open;
        private final Consumer<FaultProxy> rules;
        private FaultProxy proxy;

        Mode(boolean open, Consumer<FaultProxy> rules) {
            this.open = open;
            this.rules = rules;
        }

        @Override
        public synchronized S3Settings get() {
            S3Settings upstream = S3Implementation.created(open ? OpenS3Proxy.settings(S3Implementation.uniqueBucket())
                    : TestS3.settings(S3Implementation.uniqueBucket()));
            if (proxy == null) {
                try {
                    proxy = new FaultProxy(upstream.endpoint().getPort());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot start the fault proxy", e);
                }
                rules.accept(proxy);
            }
            return through(upstream, proxy);
        }
    }

    /** An S3Proxy that accepts requests without checking their signature, for a proxy that rewrites them. */
    private static final class OpenS3Proxy {
        private static S3Proxy server;

        static synchronized S3Settings settings(String bucket) {
            try {
                if (server == null) {
                    Path dir = Files.createTempDirectory("offsite-open-s3proxy");
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> ScratchDirs.delete(dir)));
                    Properties properties = new Properties();
                    properties.setProperty("jclouds.filesystem.basedir", dir.toString());
                    BlobStoreContext context = ContextBuilder.newBuilder("filesystem").overrides(properties)
                            .buildView(BlobStoreContext.class);
                    server = S3Proxy.builder().blobStore(context.getBlobStore()).endpoint(URI.create("http://127.0.0.1:0"))
                            .awsAuthentication(AuthenticationType.NONE, null, null).ignoreUnknownHeaders(true).build();
                    server.start();
                    while (!server.getState().equals("STARTED")) {
                        Thread.sleep(10);
                    }
                }
                return new S3Settings(URI.create("http://127.0.0.1:" + server.getPort()), "us-east-1", true, "open", "open-secret",
                        bucket, S3Settings.ChecksumMode.WHEN_REQUIRED, 3, true, false);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start an open S3Proxy", e);
            }
        }
    }
}

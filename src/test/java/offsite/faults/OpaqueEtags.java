package offsite.faults;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import offsite.faults.FaultProxy.Request;

/**
 * The fault proxy playing a service whose ETags are not MD5s (SSE-KMS, SSE-C): every ETag in an answer, in its headers
 * (PutObject, UploadPart, HeadObject, GetObject) and in its XML (CompleteMultipartUpload, ListObjectsV2, ListParts,
 * CopyObject, UploadPartCopy), becomes the real one with its 16 bytes XOR a mask made from the object's bucket and key:
 * the same object always shows the same ETag, another object another one, and none is the MD5 of any bytes sent. A
 * multipart ETag keeps its "-N". The part ETags a CompleteMultipartUpload names are given back their real values on the
 * way in, as the server behind checks them.
 */
final class OpaqueEtags {

    private static final Pattern HEX = Pattern.compile("([0-9a-fA-F]{32})(-[0-9]+)?");
    private static final Pattern ETAG_HEADER = Pattern.compile("(?im)^(etag:\\s*\"?)([^\"\\r\\n]*)(\"?\\s*)$");
    private static final Pattern ETAG_ELEMENT = Pattern.compile("(<ETag>(?:&quot;|\")?)([^<&\"]*)((?:&quot;|\")?</ETag>)");
    private static final Pattern CONTENTS = Pattern.compile("<Contents>.*?</Contents>", Pattern.DOTALL);
    private static final Pattern KEY = Pattern.compile("<Key>([^<]*)</Key>");

    /** The ETag the service shows for the object at this bucket/key path, given the real one; applied twice, the real one. */
    static String flip(String object, String etag) {
        Matcher m = HEX.matcher(etag);
        if (!m.matches()) {
            return etag;
        }
        byte[] bytes = HexFormat.of().parseHex(m.group(1));
        byte[] mask = md5(("opaque etag\n" + object).getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] ^= mask[i];
        }
        return HexFormat.of().formatHex(bytes) + (m.group(2) == null ? "" : m.group(2));
    }

    /** The request's object as bucket/key (path-style, percent-escapes decoded; a '+' in a path is itself). */
    static String object(Request request) {
        return URLDecoder.decode(request.path().substring(1).replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** Whether the answer to this request carries ETags in its XML body. */
    static boolean inAnswerBody(Request r) {
        return r.method().equals("POST") && r.hasParameter("uploadId")
                || r.method().equals("GET") && (r.hasParameter("list-type") || r.hasParameter("uploadId"))
                || r.method().equals("PUT") && r.hasHeader("x-amz-copy-source");
    }

    /** Whether the request's body names ETags the server must see real: a CompleteMultipartUpload. */
    static boolean inRequestBody(Request r) {
        return r.method().equals("POST") && r.hasParameter("uploadId");
    }

    /** The answer's head with its ETag header, if any, made opaque. */
    static byte[] answerHead(byte[] head, Request request) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        Matcher m = ETAG_HEADER.matcher(text);
        if (!m.find()) {
            return head;
        }
        String replaced = text.substring(0, m.start(2)) + flip(object(request), m.group(2)) + text.substring(m.end(2));
        return replaced.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** An XML answer or CompleteMultipartUpload request with each ETag flipped: by the listed key in a listing, else by the request's object. */
    static byte[] body(byte[] body, Request request) {
        String xml = new String(body, StandardCharsets.UTF_8);
        if (request.hasParameter("list-type")) {
            String bucket = object(request).split("/", 2)[0];
            boolean urlEncoded = request.query().contains("encoding-type=url");
            StringBuilder out = new StringBuilder();
            Matcher contents = CONTENTS.matcher(xml);
            while (contents.find()) {
                Matcher key = KEY.matcher(contents.group());
                String raw = key.find() ? unescape(key.group(1)) : "";
                String name = urlEncoded ? URLDecoder.decode(raw, StandardCharsets.UTF_8) : raw;
                contents.appendReplacement(out, Matcher.quoteReplacement(flipElements(contents.group(), bucket + "/" + name)));
            }
            contents.appendTail(out);
            return out.toString().getBytes(StandardCharsets.UTF_8);
        }
        return flipElements(xml, object(request)).getBytes(StandardCharsets.UTF_8);
    }

    private static String flipElements(String xml, String object) {
        Matcher m = ETAG_ELEMENT.matcher(xml);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + flip(object, m.group(2)) + m.group(3)));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String unescape(String xml) {
        return xml.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }

    /** The head with its Content-Length set to length and any Transfer-Encoding dropped. */
    static byte[] withLength(byte[] head, long length) {
        StringBuilder out = new StringBuilder();
        for (String line : new String(head, StandardCharsets.ISO_8859_1).split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (!lower.startsWith("content-length:") && !lower.startsWith("transfer-encoding:") && !line.isEmpty()) {
                out.append(line).append("\r\n");
            }
        }
        out.append("Content-Length: ").append(length).append("\r\n\r\n");
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] md5(byte[] bytes) {
        try {
            return MessageDigest.getInstance("MD5").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private OpaqueEtags() {
    }
}

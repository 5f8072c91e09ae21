package offsite.faults;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import offsite.faults.FaultProxy.Request;

/**
 * The fault proxy playing a service that sends a listing's first page twice (a retried page, a cache replaying an
 * answer): the entries of each ListObjectsV2 listing's first page, its keys and its folders, come again in its second
 * page. Each listing (bucket, prefix, delimiter) is remembered by its first page until its second is asked for.
 */
final class RepeatedPages {

    private static final Pattern ENTRY = Pattern.compile("<Contents>.*?</Contents>|<CommonPrefixes>.*?</CommonPrefixes>", Pattern.DOTALL);
    private static final String END = "</ListBucketResult>";

    /** The first page's entries by listing, until its second page carries them again. */
    private final Map<String, String> firstPages = new ConcurrentHashMap<>();

    static boolean listing(Request request) {
        return request.method().equals("GET") && request.hasParameter("list-type");
    }

    /** The answer body of a listing request as this service sends it: a second page begins with the first page's entries. */
    byte[] body(byte[] body, Request request) {
        String xml = new String(body, StandardCharsets.UTF_8);
        String listing = request.path() + "?" + withoutPaging(request.query());
        if (!request.hasParameter("continuation-token")) {
            firstPages.put(listing, entries(xml));
            return body;
        }
        String first = firstPages.remove(listing);
        int end = xml.lastIndexOf(END);
        if (first == null || first.isEmpty() || end < 0) {
            return body;
        }
        return (xml.substring(0, end) + first + xml.substring(end)).getBytes(StandardCharsets.UTF_8);
    }

    private static String entries(String xml) {
        StringBuilder out = new StringBuilder();
        Matcher m = ENTRY.matcher(xml);
        while (m.find()) {
            out.append(m.group());
        }
        return out.toString();
    }

    /** The query less what moves from page to page: the listing it belongs to. */
    private static String withoutPaging(String query) {
        List<String> kept = new ArrayList<>();
        for (String p : query.split("&")) {
            if (!p.startsWith("continuation-token=") && !p.startsWith("max-keys=") && !p.startsWith("start-after=")) {
                kept.add(p);
            }
        }
        kept.sort(null);
        return String.join("&", kept);
    }
}

package offsite.web;

import java.util.Locale;
import java.util.Map;
import offsite.report.ByteSize;

/** Small server-side SVG bar charts: nothing is loaded from anywhere. */
public final class Charts {

    private Charts() {
    }

    /** One bar per label (in map order), labelled with its value. */
    public static String bars(String title, Map<String, Double> values, boolean bytes) {
        int width = 640;
        int height = 180;
        int n = Math.max(1, values.size());
        double max = values.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        double barWidth = Math.min(90, (width - 40.0) / n);
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"%s\"><text x=\"4\" y=\"14\" class=\"t\">%s</text>",
                width, height + 54, escape(title), escape(title)));
        int i = 0;
        for (Map.Entry<String, Double> e : values.entrySet()) {
            double h = max <= 0 ? 0 : (height - 30) * e.getValue() / max;
            double x = 20 + i * barWidth;
            String label = bytes ? ByteSize.format(e.getValue()) : String.format(Locale.ROOT, "%.4f", e.getValue());
            svg.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"><title>%s: %s</title></rect>",
                    x + 2, 34 + height - 30 - h, Math.max(1, barWidth - 4), h, escape(e.getKey()), label));
            if (n <= 16) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" class=\"l\">%s</text><text x=\"%.1f\" y=\"%.1f\" class=\"v\">%s</text>",
                        x + 2, height + 18, escape(e.getKey()), x + 2, 30 + height - 30 - h, label));
            }
            i++;
        }
        if (values.isEmpty()) {
            svg.append("<text x=\"20\" y=\"80\" class=\"l\">no data yet</text>");
        }
        return svg.append("</svg>").toString();
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}

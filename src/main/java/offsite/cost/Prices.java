package offsite.cost;

import offsite.config.Settings;

/** S3 prices in USD: storage per GB-month, requests per 1,000, transfer per GB (GB = 10^9 bytes, as AWS bills). */
public record Prices(double storageGbMonth, double putPer1000, double getPer1000, double transferInGb, double transferOutGb) {

    public static Prices from(Settings s) {
        return new Prices(s.decimal("offsite.cost.storage-gb-month", 0, 1000), s.decimal("offsite.cost.put-per-1000", 0, 1000),
                s.decimal("offsite.cost.get-per-1000", 0, 1000), s.decimal("offsite.cost.transfer-in-gb", 0, 1000),
                s.decimal("offsite.cost.transfer-out-gb", 0, 1000));
    }
}

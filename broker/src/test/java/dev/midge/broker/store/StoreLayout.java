package dev.midge.broker.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.RocksDB;

/** The store's column families as tests open them from outside, in the order RocksStore creates them. */
final class StoreLayout {
    /** The families after "default". */
    static final List<String> FAMILIES = List.of("sessions", "subscriptions", "messages", "queues", "inflight",
            "inbound", "retained", "wills");

    private StoreLayout() {
    }

    /** "default", then {@link #FAMILIES}, with default options. */
    static List<ColumnFamilyDescriptor> descriptors() {
        List<ColumnFamilyDescriptor> d = new ArrayList<>();
        d.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY));
        for (String f : FAMILIES) {
            d.add(new ColumnFamilyDescriptor(f.getBytes(StandardCharsets.US_ASCII)));
        }
        return d;
    }
}

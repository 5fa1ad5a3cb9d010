package org.mtrrledger.projections.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.mtrrledger.projections.memtype.GuestMtrrResolver;
import org.mtrrledger.projections.memtype.KernelEra;
import org.mtrrledger.events.model.Hex;
import org.mtrrledger.projections.zap.PolicyId;

/**
 * The query parameters of one request. Unknown and repeated parameters are errors, as is any malformed value: each
 * error is a 400 naming the parameter.
 */
final class Params {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    private final Map<String, String> values = new LinkedHashMap<>();

    private Params() {
    }

    /** Parses a raw (still percent-encoded) query string, allowing only {@code allowed} names. */
    static Params parse(String rawQuery, Set<String> allowed) {
        Params p = new Params();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return p;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), name);
            if (!allowed.contains(name)) {
                throw ApiException.badParameter(name, "unknown parameter" + (allowed.isEmpty() ? " (this endpoint "
                        + "takes none)" : " (allowed: " + String.join(", ", allowed) + ")"));
            }
            if (p.values.put(name, value) != null) {
                throw ApiException.badParameter(name, "given more than once");
            }
        }
        return p;
    }

    private static String decode(String s, String parameter) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter(parameter, "malformed percent-encoding");
        }
    }

    /** The value, or null when absent; an empty value counts as absent. */
    String string(String name) {
        String v = values.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    String required(String name) {
        String v = string(name);
        if (v == null) {
            throw ApiException.badParameter(name, "required");
        }
        return v;
    }

    /** A Kafka offset: a non-negative decimal integer. */
    static long offsetValue(String name, String v) {
        try {
            long o = Long.parseLong(v);
            if (o < 0) {
                throw ApiException.badParameter(name, "must be >= 0, got " + v);
            }
            return o;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "not an offset (a decimal integer >= 0): '" + abbreviate(v) + "'");
        }
    }

    /** A non-negative int (vCPU index). */
    Integer index(String name) {
        return nonNegative(name, "vCPU index");
    }

    /** A 64-bit number in hex ("0x...") or decimal (GFN, GPA). */
    Long hex(String name) {
        String v = string(name);
        if (v == null) {
            return null;
        }
        try {
            return Hex.parse(v);
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "not a number (0x... or decimal): '" + abbreviate(v) + "'");
        }
    }

    /** A Kafka partition number, or null if absent. */
    Integer partition(String name) {
        return nonNegative(name, "partition number");
    }

    private Integer nonNegative(String name, String what) {
        String v = string(name);
        if (v == null) {
            return null;
        }
        try {
            int i = Integer.parseInt(v);
            if (i < 0) {
                throw ApiException.badParameter(name, "must be >= 0, got " + v);
            }
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter(name, "not a " + what + ": '" + abbreviate(v) + "'");
        }
    }

    int limit() {
        String v = string("limit");
        if (v == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int l = Integer.parseInt(v);
            if (l < 1 || l > MAX_LIMIT) {
                throw ApiException.badParameter("limit", "must be 1.." + MAX_LIMIT + ", got " + v);
            }
            return l;
        } catch (NumberFormatException e) {
            throw ApiException.badParameter("limit", "not an integer: '" + abbreviate(v) + "'");
        }
    }

    GuestMtrrResolver resolver() {
        String v = string("resolver");
        try {
            return GuestMtrrResolver.named(v == null ? "kvm" : v);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("resolver", e.getMessage());
        }
    }

    KernelEra kernel() {
        String v = string("kernel");
        try {
            return KernelEra.named(v == null ? "v6.4" : v);
        } catch (IllegalArgumentException e) {
            throw ApiException.badParameter("kernel", e.getMessage());
        }
    }

    /** Comma-separated policy labels; every policy when absent. */
    List<PolicyId> policies() {
        String v = string("policy");
        if (v == null) {
            return List.of(PolicyId.values());
        }
        List<PolicyId> out = new ArrayList<>();
        for (String s : v.split(",", -1)) {
            try {
                PolicyId p = org.mtrrledger.projections.query.Names.policy(s.trim());
                if (!out.contains(p)) {
                    out.add(p);
                }
            } catch (IllegalArgumentException e) {
                throw ApiException.badParameter("policy", e.getMessage());
            }
        }
        return out;
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "...";
    }
}

package haven.executor.agents;

/** An IPv4 address with a prefix length, as in {@code 10.0.0.50/24}. */
public record Ipv4Prefix(int address, int length) {

    public Ipv4Prefix {
        if (length < 0 || length > 32) throw new IllegalArgumentException("prefix length " + length + " is not within 0..32");
    }

    /** Parses {@code a.b.c.d/len}; with {@code lengthRequired} false a bare address means /32. */
    public static Ipv4Prefix parse(String text, boolean lengthRequired) {
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash < 0 && lengthRequired) {
            throw new IllegalArgumentException("'" + text + "' has no prefix length: write it as a.b.c.d/len, e.g. 192.168.1.50/24");
        }
        String addr = slash < 0 ? t : t.substring(0, slash);
        int len;
        try {
            len = slash < 0 ? 32 : Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "': the prefix length is not a number");
        }
        String[] octets = addr.split("\\.", -1);
        if (octets.length != 4) throw new IllegalArgumentException("'" + text + "' is not an IPv4 address a.b.c.d/len");
        int value = 0;
        for (String o : octets) {
            int n;
            try {
                n = Integer.parseInt(o);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not an IPv4 address a.b.c.d/len");
            }
            if (n < 0 || n > 255 || o.length() > 3) throw new IllegalArgumentException("'" + text + "': octet " + o + " is not within 0..255");
            value = (value << 8) | n;
        }
        return new Ipv4Prefix(value, len);
    }

    int mask() {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** Does {@code other}'s address lie in this prefix's network? */
    boolean networkContains(Ipv4Prefix other) {
        return (address & mask()) == (other.address & mask());
    }

    String addressText() {
        return ((address >>> 24) & 255) + "." + ((address >>> 16) & 255) + "." + ((address >>> 8) & 255) + "." + (address & 255);
    }

    public String networkText() {
        return new Ipv4Prefix(address & mask(), length).toString();
    }

    @Override
    public String toString() {
        return addressText() + "/" + length;
    }
}

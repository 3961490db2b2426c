import dev.warden.runtime.host.EntryPoint;
import dev.warden.runtime.host.Extension;
import dev.warden.runtime.host.ExtensionSpec;
import dev.warden.runtime.host.Extensions;
import dev.warden.runtime.host.LoadException;
import dev.warden.runtime.host.VerificationPolicy;
import dev.warden.runtime.linux.HostMap;
import dev.warden.runtime.linux.LinuxProgramType;
import dev.warden.vm.ExecResult;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A host embedding Warden (docs/host-api.md): loads examples/xdp_counter.o (parse, verify as xdp,
 * compile, attach), runs its entry on packets from four threads at once, reads the map it
 * counts in, and hot-reloads the same object while the map keeps its counts.
 *
 * <pre>java --enable-native-access=ALL-UNNAMED -cp "runtime/target/classes:..." examples/host-api/XdpCounterHost.java [examples/xdp_counter.o]</pre>
 */
public final class XdpCounterHost {
    public static void main(String[] args) throws Exception {
        Path object = Path.of(args.length > 0 ? args[0] : "examples/xdp_counter.o");
        ExtensionSpec spec = ExtensionSpec.of()
                .withEntry(new EntryPoint("count", "xdp_counter", LinuxProgramType.XDP))
                .withCpus(4);
        try (Extension ext = Extensions.load(object, spec, VerificationPolicy.linux())) {
            Extension.Entry count = ext.entry("count");
            byte[] tcp = ipv4Packet(6);
            byte[] udp = ipv4Packet(17);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                byte[] packet = t % 2 == 0 ? tcp : udp;
                threads.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        ExecResult r = ext.invoke(count, packet);
                        if (!(r instanceof ExecResult.Returned ret) || ret.r0() != 2) {
                            throw new IllegalStateException("expected XDP_PASS, got " + r);
                        }
                    }
                }));
            }
            for (Thread t : threads) {
                t.join();
            }
            HostMap counts = ext.map("proto_count").orElseThrow();
            System.out.println("tcp " + counter(counts, 6) + " udp " + counter(counts, 17));
            ext.replace(object); // hot reload: verified and compiled again, proto_count kept
            ext.invoke(count, tcp);
            System.out.println("after reload tcp " + counter(ext.map("proto_count").orElseThrow(), 6));
        } catch (LoadException e) {
            System.err.println(e.getMessage()); // one located line per problem
            System.exit(1);
        }
    }

    static long counter(HostMap map, int protocol) {
        byte[] key = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(protocol).array();
        return map.lookup(key).map(v -> ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong()).orElse(0L);
    }

    /** Ethernet + IPv4 header with the given IP protocol (54 bytes, as a TCP packet's headers). */
    static byte[] ipv4Packet(int protocol) {
        byte[] p = new byte[54];
        p[12] = 0x08; // EtherType IPv4
        p[14] = 0x45; // version 4, header length 5
        p[23] = (byte) protocol;
        return p;
    }
}

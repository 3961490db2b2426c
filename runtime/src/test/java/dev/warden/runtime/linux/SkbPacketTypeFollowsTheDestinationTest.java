package dev.warden.runtime.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.isa.asm.Assembler;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.BpfProgram;
import dev.warden.vm.ExecResult;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Regression (found by the kernel differential, ProgramsWithMapsAgreeWithTheKernelTest):
 * {@code __sk_buff.pkt_type} is what Linux's {@code eth_type_trans} makes of the destination MAC
 * on the modelled device (loopback, address zero), not always PACKET_HOST.
 */
class SkbPacketTypeFollowsTheDestinationTest {

    @ParameterizedTest
    @CsvSource({"000000000000, 0", "ffffffffffff, 1", "01005e000001, 2", "3333000000fb, 2", "020000000001, 3"})
    void packetTypeFromTheDestinationAddress(String destination, long expected) throws Exception {
        BpfProgram p = new BpfProgram("pkt_type", "tc", Assembler.assemble("r0 = *(u32 *)(r1 + 4)\nexit\n"),
                List.of(), List.of(), List.of());
        byte[] packet = new byte[60];
        byte[] mac = java.util.HexFormat.of().parseHex(destination);
        System.arraycopy(mac, 0, packet, 0, 6);
        packet[12] = 0x08;
        try (LinuxEnvironment env = LinuxEnvironment.load(new BpfObject(List.of(), List.of(p), List.of(), "GPL"), p,
                LinuxProgramType.TC)) {
            ExecResult r = env.run(packet);
            assertEquals(new ExecResult.Returned(expected), r);
        }
    }
}

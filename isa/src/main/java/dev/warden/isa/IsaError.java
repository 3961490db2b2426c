package dev.warden.isa;

/**
 * A located decoding error: the instruction index (slot number, as the kernel and
 * {@code llvm-objdump} count), the field at fault, its value, and why it is wrong.
 */
public record IsaError(int pc, String field, long value, String message) {
    @Override
    public String toString() {
        return "instruction " + pc + ": " + field + " = " + formatValue() + ": " + message;
    }

    private String formatValue() {
        return field.equals("opcode") ? String.format("0x%02x", value) : Long.toString(value);
    }
}

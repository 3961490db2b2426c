package dev.warden.runtime.host;

import dev.warden.eim.CType;
import dev.warden.eim.Field;
import dev.warden.eim.Layout;
import dev.warden.eim.Prototype;
import dev.warden.isa.elf.BpfObject;
import dev.warden.isa.elf.Btf;
import dev.warden.isa.elf.BtfType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an EIM policy declares and the extension's C declares again (structs, host functions),
 * compared by the object's BTF. The verifier checks every access and call against the policy's
 * declarations and never sees the C's, so a C struct whose fields sit elsewhere (another order,
 * another type) is verified, safe and wrong: its {@code a->op} reads the bytes the policy and the
 * host call {@code key_hash}; likewise a host function declared in C with another return size
 * or other arguments. Found by the kv-cache example's author-side probing (docs/host-api.md, "A
 * second host"); an object without BTF, or without a struct or function of the policy's name, is
 * not compared.
 */
final class CDeclarationMismatches {
    private CDeclarationMismatches() {}

    /** One located line per struct and per host function whose C declaration differs from the policy's. */
    static List<String> in(String origin, BpfObject object, EimClassPolicy policy) {
        List<String> errors = new ArrayList<>();
        if (object.btf().isEmpty()) {
            return errors;
        }
        Btf btf = object.btf().get();
        for (String name : policy.structNames()) {
            Optional<BtfType.Struct> c = btf.named(name, BtfType.Struct.class);
            Optional<Layout.StructLayout> declared = policy.layout(name);
            if (c.isEmpty() || declared.isEmpty()) {
                continue;
            }
            List<String> differences = differences(c.get(), declared.get());
            if (!differences.isEmpty()) {
                errors.add(origin + ": struct " + name + " in the object's C differs from the policy's (" + policy.file() + "): "
                        + String.join("; ", differences) + ". The verifier checked the extension's accesses against the policy's"
                        + " layout and the host lays the struct out by it, so the extension would read other fields than it"
                        + " names; declare the struct in C as the policy does");
            }
        }
        for (Map.Entry<String, Prototype> f : policy.hostFunctionPrototypes().entrySet()) {
            Optional<BtfType.FuncProto> c = btf.prototype(f.getKey());
            if (c.isEmpty() || c.get().variadic()) {
                continue;
            }
            List<String> differences = differences(btf, c.get(), f.getValue(), policy);
            if (!differences.isEmpty()) {
                errors.add(origin + ": host function " + f.getKey() + " is declared in the object's C otherwise than in the policy ("
                        + policy.file() + "): " + String.join("; ", differences) + ". The verifier assumed the policy's prototype"
                        + " at each call; declare it in C as the policy does");
            }
        }
        return errors;
    }

    private static List<String> differences(Btf btf, BtfType.FuncProto c, Prototype declared, EimClassPolicy policy) {
        List<String> d = new ArrayList<>();
        if (c.params().size() != declared.parameters().size()) {
            d.add("takes " + c.params().size() + " arguments, the policy's " + declared.parameters().size());
        } else {
            for (int i = 0; i < c.params().size(); i++) {
                long size = btf.sizeOf(c.params().get(i).type()).orElse(-1);
                Field f = declared.parameters().get(i);
                if (size != policy.sizeOf(f.type())) {
                    d.add("argument " + (i + 1) + " is " + size + " bytes, the policy's " + f.name() + " " + policy.sizeOf(f.type()));
                }
            }
        }
        long returns = c.returnType() == 0 ? 0 : btf.sizeOf(c.returnType()).orElse(-1);
        long declaredReturns = declared.returns() instanceof CType.Void ? 0 : policy.sizeOf(declared.returns());
        if (returns != declaredReturns) {
            d.add("returns " + bytes(returns) + ", the policy's " + bytes(declaredReturns));
        }
        return d;
    }

    private static String bytes(long size) {
        return size == 0 ? "void" : size + " bytes";
    }

    private static List<String> differences(BtfType.Struct c, Layout.StructLayout declared) {
        List<String> d = new ArrayList<>();
        for (Map.Entry<String, Long> f : declared.offsets().entrySet()) {
            Optional<BtfType.Member> m = c.members().stream().filter(x -> x.name().equals(f.getKey())).findFirst();
            if (m.isEmpty()) {
                d.add("no field " + f.getKey() + " (the policy's is at offset " + f.getValue() + ")");
            } else if (m.get().bitOffset() != f.getValue() * 8) {
                d.add(f.getKey() + " at offset " + (m.get().bitfieldSize() == 0 ? m.get().byteOffset() + "" : "bit " + m.get().bitOffset())
                        + ", the policy's at " + f.getValue());
            }
        }
        if (c.size() != declared.size()) {
            d.add("size " + c.size() + ", the policy's " + declared.size());
        }
        return d;
    }
}

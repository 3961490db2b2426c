package dev.warden.jit;

import dev.warden.isa.Program;
import dev.warden.isa.cfg.ControlFlowGraph;
import dev.warden.isa.cfg.ControlFlowLimitException;
import dev.warden.vm.Helpers;
import dev.warden.vm.Memory;
import dev.warden.vm.ProgramRefusedException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.constant.ClassDesc;
import java.lang.invoke.MethodHandles;
import java.util.List;
import java.util.Map;

/**
 * Compiles an eBPF {@link Program} to JVM bytecode ({@code java.lang.classfile}) and loads it
 * as a hidden class extending {@link JitCode}. The class becomes unreachable, and is unloaded,
 * with the last reference to its {@link JitCode}.
 */
public final class JitCompiler {
    private static final ClassDesc NAME = ClassDesc.of(JitCompiler.class.getPackageName() + ".Compiled");

    private JitCompiler() {}

    /**
     * The generated class file and the class data it expects (helpers, chunk tables).
     *
     * @param methods number of JVM methods generated for eBPF code (functions, chunks, dispatchers)
     */
    public record Generated(byte[] classFile, List<Object> classData, int functions, int methods) {}

    /**
     * Runs the JDK's class-file verifier on a generated class; an empty list means it verifies.
     * The resolver knows the generated class (which no class loader can find by name).
     */
    public static List<VerifyError> verify(byte[] classFile) {
        ClassHierarchyResolver resolver = ClassHierarchyResolver.of(List.of(),
                        Map.of(NAME, ClassDesc.of(JitCode.class.getName())))
                .orElse(ClassHierarchyResolver.ofClassLoading(JitCompiler.class.getClassLoader()))
                .orElse(ClassHierarchyResolver.defaultResolver());
        return ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver)).verify(classFile);
    }

    /**
     * Translates without loading: for inspection and {@link ClassFile#verify} in tests.
     *
     * @throws ProgramRefusedException if the program exceeds a limit of the JIT (functions that
     *     share too much code, more methods than one class holds), or the translation failed
     *     internally (with the cause)
     */
    public static Generated generate(Program program, Helpers helpers, CheckElision elision) {
        return generate(program, dev.warden.vm.ExecOptions.defaults().withHelpers(helpers), elision);
    }

    /**
     * Like {@link #generate(Program, Helpers, CheckElision)} for a run with {@code options}: its
     * helpers, its heap sandbox (the guard, one mask and one add, before each confined access the
     * elision does not name) and its cancellation polls.
     */
    public static Generated generate(Program program, dev.warden.vm.ExecOptions options, CheckElision elision) {
        Helpers helpers = options.helpers();
        elision.requireFor(program);
        ControlFlowGraph graph;
        try {
            graph = ControlFlowGraph.of(program);
        } catch (ControlFlowLimitException e) {
            throw new ProgramRefusedException("the JIT refuses the program: " + e.getMessage(), e);
        }
        try {
            // Chunk sizes are estimates; if a method still outgrows HotSpot's HugeMethodLimit
            // (8,000 bytes, above which it is never compiled to machine code), cut smaller.
            double scale = 1.0;
            while (true) {
                Translator t = new Translator(graph, helpers, elision, options.sandbox(), options.cancellation(), NAME, scale);
                byte[] bytes = t.build();
                if (scale < 0.1 || largestMethod(bytes, program) <= HUGE_METHOD_LIMIT) {
                    int methods = 0;
                    for (FunctionLayout f : t.functions()) {
                        methods += f.methods();
                    }
                    return new Generated(bytes, List.copyOf(t.classData()), t.functions().size(), methods);
                }
                scale *= 0.6;
            }
        } catch (ProgramRefusedException e) {
            throw e;
        } catch (RuntimeException e) {
            // The class-file API rejects what it cannot encode (a full constant pool, a method
            // over 64 KiB): a limit the counts above should have caught, so report it as such.
            throw new ProgramRefusedException("the JIT failed to translate the program (" + program.size()
                    + " instructions): " + e, e);
        }
    }

    /** HotSpot's default {@code -XX:HugeMethodLimit}. */
    static final int HUGE_METHOD_LIMIT = 8000;

    private static int largestMethod(byte[] classFile, Program program) {
        if (program.size() < 200) {
            return 0; // cannot come near the limit: skip the parse
        }
        int max = 0;
        for (var m : ClassFile.of().parse(classFile).methods()) {
            max = Math.max(max, m.findAttribute(java.lang.classfile.Attributes.code()).map(c -> c.codeLength()).orElse(0));
        }
        return max;
    }

    /**
     * Compiles {@code program} for one {@link Memory} (the one its runs will use): constant
     * helper ids resolve against {@code helpers} now; accesses {@code elision} names go unchecked.
     *
     * @throws ProgramRefusedException as {@link #generate} does, or if HotSpot refused the class
     */
    public static JitCode compile(Program program, Helpers helpers, Memory memory, CheckElision elision) {
        return compile(program, dev.warden.vm.ExecOptions.defaults().withHelpers(helpers), memory, elision);
    }

    /** Like {@link #compile(Program, Helpers, Memory, CheckElision)} with {@code options}' sandbox and cancellation polls. */
    public static JitCode compile(Program program, dev.warden.vm.ExecOptions options, Memory memory, CheckElision elision) {
        Generated g = generate(program, options, elision);
        Object[] data = g.classData().toArray(new Object[g.classData().size() + 1]);
        data[data.length - 1] = memory;
        try {
            return JitCode.load(MethodHandles.lookup(), g.classFile(), data);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: ClassFormatError or VerifyError, a JIT bug for this program.
            throw new ProgramRefusedException("HotSpot refused the class the JIT made of the program ("
                    + program.size() + " instructions): " + e, e);
        }
    }
}

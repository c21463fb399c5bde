package io.icpbench.dispatch;

import static java.lang.constant.ConstantDescs.CD_Class;
import static java.lang.constant.ConstantDescs.CD_MethodHandle;
import static java.lang.constant.ConstantDescs.CD_Object;
import static java.lang.constant.ConstantDescs.CD_int;
import static java.lang.constant.ConstantDescs.CD_long;
import static java.lang.constant.ConstantDescs.CD_void;

import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.Label;
import java.lang.classfile.TypeKind;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates the code of learned sites as plain bytecode (the JDK's {@code java.lang.classfile}
 * API), in hidden classes defined next to the caller:
 * <ul>
 * <li>a <em>chain</em> per target set: exact-class guards, each followed by a direct call of that
 *     class's method (and, when learning, the hit count), then the site's miss path;</li>
 * <li>a <em>stub</em> per site for the {@link Placement#STUB} and {@link Placement#MH_FIELD}
 *     placements: the method the caller calls, which reaches the current chain.</li>
 * </ul>
 *
 * <p>IMPLEMENTATION NOTES. A chain built from method-handle combinators ({@code guardWithTest},
 * {@code foldArguments}, bound class constants) spins new LambdaForm classes for many new target
 * sets and runs them interpreted until the JIT catches up: microseconds per call after each patch.
 * A generated chain is ordinary bytecode: its guards and calls are what {@code javac} would emit
 * for {@code if (r.getClass() == A.class) return ((A) r).m(x);}, so the interpreter and C1 run it
 * at the speed of any method, and C2 compiles it to compares and direct (or inlined) calls. Its
 * constants (the target classes, the counters, the site) come from the hidden class's class data
 * through {@code MethodHandles.classDataAt}, which the JIT treats as constants.
 *
 * <p>In {@link Placement#STUB} both the stub and the chains are padded with dead bytecode (a branch
 * on a constant over a block of {@code nop}s, which C2 folds away) to be longer than
 * {@code FreqInlineSize} (325 bytes on x86-64), so C2 inlines neither into its caller; they stay
 * well under {@code HugeMethodLimit} (8000), past which HotSpot would not compile them at all. The
 * caller calls the stub, a trampoline whose compiled code binds the current chain as a constant
 * (a direct call); the chain is compiled once per target set, its targets inlined into it. A patch
 * invalidates the trampoline's few instructions alone, which recompile in microseconds, while the
 * chain it now calls may already be compiled: the JVM analog of Cree's out-of-line
 * {@code dynamic_foo()}, whose static calls are text-poked. Measured: a stub that inlined the
 * chain had to recompile chain and targets after every patch, about 1 ms of worker time each.
 */
final class ChainFactory {
    /** Bytes of dead padding in a STUB stub: above FreqInlineSize (325), far below HugeMethodLimit (8000). */
    static final int STUB_PADDING = 600;

    private static final ClassDesc CD_HITS = ClassDesc.of(Hits.class.getName());
    private static final ClassDesc CD_SITE = ClassDesc.of(DynamicSite.class.getName());
    private static final MethodTypeDesc HIT_TYPE = MethodTypeDesc.of(CD_void, CD_long.arrayType(), CD_int);

    /** Class-data indexes of a chain. */
    private static final int DATA_COUNTS = 0, DATA_SITE = 1, DATA_TARGETS = 2;

    private ChainFactory() {
    }

    /** How a chain counts its hits: the {@link Hits} method, or none. */
    enum Counting {
        NONE(null), STRIPED("striped"), THREAD_LOCAL("threadLocal"), SHARED("shared"), SAMPLED("sampled");

        final String method;

        Counting(String method) {
            this.method = method;
        }
    }

    /** The site's facts a chain needs. */
    record SiteShape(MethodHandles.Lookup lookup, Class<?> iface, String methodName, MethodType type) {
        MethodTypeDesc typeDesc() {
            return type.describeConstable().orElseThrow(() -> new IllegalArgumentException("type " + type + " cannot be described"));
        }

        ClassDesc classIn(String simple) {
            String pkg = lookup.lookupClass().getPackageName();
            return ClassDesc.of(pkg.isEmpty() ? simple : pkg + "." + simple);
        }
    }

    /**
     * A chain for {@code targets} (guards in this order): a handle of the site's type.
     *
     * @param counts the site's counters (ignored when {@code counting} is NONE)
     */
    static MethodHandle chain(SiteShape s, DynamicSite site, long[] counts, List<Class<?>> targets, Counting counting,
            boolean outOfLine) {
        MethodTypeDesc mtd = s.typeDesc();
        MethodTypeDesc callee = mtd.dropParameterTypes(0, 1);
        ClassDesc ifaceDesc = s.iface().describeConstable().orElseThrow();
        boolean ifaceIsInterface = s.iface().isInterface();
        ClassDesc self = s.classIn("IcpbenchChain");
        List<Object> data = new ArrayList<>();
        data.add(counts == null ? new long[0] : counts);
        data.add(site);
        data.addAll(targets);
        byte[] bytes = ClassFile.of().build(self, clb -> clb
                .withFlags(AccessFlag.FINAL, AccessFlag.SUPER, AccessFlag.SYNTHETIC)
                .withMethodBody("chain", mtd, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, cb -> {
                    if (outOfLine) {
                        pad(cb);
                    }
                    Label miss = cb.newLabel();
                    cb.aload(0);
                    cb.ifnull(miss);
                    int cls = cb.allocateLocal(TypeKind.REFERENCE);
                    cb.aload(0);
                    cb.invokevirtual(CD_Object, "getClass", MethodTypeDesc.of(CD_Class));
                    cb.astore(cls);
                    for (int i = 0; i < targets.size(); i++) {
                        Class<?> t = targets.get(i);
                        Label next = cb.newLabel();
                        cb.aload(cls);
                        cb.ldc(classDataAt(DATA_TARGETS + i, CD_Class));
                        cb.if_acmpne(next);
                        if (counting != Counting.NONE) {
                            cb.ldc(classDataAt(DATA_COUNTS, CD_long.arrayType()));
                            cb.loadConstant(DynamicSite.FAST + i);
                            cb.invokestatic(CD_HITS, counting.method, HIT_TYPE);
                        }
                        cb.aload(0);
                        if (nameable(s.lookup(), t)) {
                            // The exact class is known here: a direct call of its own method.
                            ClassDesc td = t.describeConstable().orElseThrow();
                            cb.checkcast(td);
                            loadArguments(cb, mtd);
                            cb.invokevirtual(td, s.methodName(), callee);
                        } else {
                            // The class cannot be named from here (hidden, or not accessible): the
                            // plain call after the exact-class guard, which C2 binds to that class.
                            loadArguments(cb, mtd);
                            invokeOps(cb, ifaceDesc, ifaceIsInterface, s.methodName(), callee);
                        }
                        cb.return_(TypeKind.from(mtd.returnType()));
                        cb.labelBinding(next);
                    }
                    cb.labelBinding(miss);
                    missPath(cb, s, mtd);
                }));
        return define(s, bytes, data, "chain");
    }

    /**
     * The per-site stub of {@link Placement#STUB}: {@code invokeExact} of {@code target} (the
     * site's MutableCallSite invoker), padded so that C2 never inlines the stub into its caller.
     */
    static MethodHandle stub(SiteShape s, MethodHandle target) {
        MethodTypeDesc mtd = s.typeDesc();
        byte[] bytes = ClassFile.of().build(s.classIn("IcpbenchStub"), clb -> clb
                .withFlags(AccessFlag.FINAL, AccessFlag.SUPER, AccessFlag.SYNTHETIC)
                .withMethodBody("call", mtd, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, cb -> {
                    pad(cb);
                    cb.ldc(classDataAt(0, CD_MethodHandle));
                    cb.aload(0);
                    loadArguments(cb, mtd);
                    cb.invokevirtual(CD_MethodHandle, "invokeExact", mtd);
                    cb.return_(TypeKind.from(mtd.returnType()));
                }));
        return define(s, bytes, List.of(target), "call");
    }

    /**
     * The per-site stub of {@link Placement#MH_FIELD}: loads the current chain from a volatile
     * static field and invokes it (an indirect jump the JIT cannot inline through). Returns the
     * stub's handle and a setter of the field.
     */
    static MethodHandle[] fieldStub(SiteShape s, MethodHandle initial) {
        MethodTypeDesc mtd = s.typeDesc();
        ClassDesc self = s.classIn("IcpbenchFieldStub");
        byte[] bytes = ClassFile.of().build(self, clb -> clb
                .withFlags(AccessFlag.FINAL, AccessFlag.SUPER, AccessFlag.SYNTHETIC)
                .withField("chain", CD_MethodHandle, ClassFile.ACC_STATIC | ClassFile.ACC_VOLATILE | ClassFile.ACC_PRIVATE)
                .withMethodBody("call", mtd, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, cb -> {
                    cb.getstatic(self, "chain", CD_MethodHandle);
                    cb.aload(0);
                    loadArguments(cb, mtd);
                    cb.invokevirtual(CD_MethodHandle, "invokeExact", mtd);
                    cb.return_(TypeKind.from(mtd.returnType()));
                })
                .withMethodBody("set", MethodTypeDesc.of(CD_void, CD_MethodHandle), ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, cb -> {
                    cb.aload(0);
                    cb.putstatic(self, "chain", CD_MethodHandle);
                    cb.return_();
                }));
        try {
            MethodHandles.Lookup hidden = s.lookup().defineHiddenClass(bytes, true, MethodHandles.Lookup.ClassOption.NESTMATE);
            MethodHandle set = hidden.findStatic(hidden.lookupClass(), "set", MethodType.methodType(void.class, MethodHandle.class));
            set.invokeExact(initial);
            return new MethodHandle[] {hidden.findStatic(hidden.lookupClass(), "call", s.type()), set};
        } catch (Throwable e) {
            throw new IllegalStateException("cannot define the mh-field stub of " + s.iface().getName() + "." + s.methodName() + ": " + e, e);
        }
    }

    /**
     * The selecting stub of {@link Placement#STUB}: reads the site's selector word and calls the
     * chain it names, each case a constant (direct) call of one known chain; a selector it does not
     * know (it is being replaced) takes the miss path, the plain call. Small enough to inline into
     * the trampoline.
     *
     * @param chains the known chains, case k calling chains.get(k)
     */
    static MethodHandle selector(SiteShape s, DynamicSite site, long[] counts, int selectorIndex, List<MethodHandle> chains) {
        MethodTypeDesc mtd = s.typeDesc();
        List<Object> data = new ArrayList<>();
        data.add(counts);
        data.add(site);
        data.addAll(chains);
        byte[] bytes = ClassFile.of().build(s.classIn("IcpbenchSelect"), clb -> clb
                .withFlags(AccessFlag.FINAL, AccessFlag.SUPER, AccessFlag.SYNTHETIC)
                .withMethodBody("call", mtd, ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, cb -> {
                    Label unknown = cb.newLabel();
                    List<java.lang.classfile.instruction.SwitchCase> cases = new ArrayList<>();
                    List<Label> labels = new ArrayList<>();
                    for (int k = 0; k < chains.size(); k++) {
                        Label l = cb.newLabel();
                        labels.add(l);
                        cases.add(java.lang.classfile.instruction.SwitchCase.of(k, l));
                    }
                    cb.ldc(classDataAt(DATA_COUNTS, CD_long.arrayType()));
                    cb.loadConstant(selectorIndex);
                    cb.laload();
                    cb.l2i();
                    cb.tableswitch(0, chains.size() - 1, unknown, cases);
                    for (int k = 0; k < chains.size(); k++) {
                        cb.labelBinding(labels.get(k));
                        cb.ldc(classDataAt(DATA_TARGETS + k, CD_MethodHandle));
                        cb.aload(0);
                        loadArguments(cb, mtd);
                        cb.invokevirtual(CD_MethodHandle, "invokeExact", mtd);
                        cb.return_(TypeKind.from(mtd.returnType()));
                    }
                    cb.labelBinding(unknown);
                    missPath(cb, s, mtd);
                }));
        return define(s, bytes, data, "call");
    }

    /** The miss path: the site's statistics (class data DATA_SITE), then the plain ops call, and return its result. */
    private static void missPath(CodeBuilder cb, SiteShape s, MethodTypeDesc mtd) {
        cb.ldc(classDataAt(DATA_SITE, CD_SITE));
        cb.aload(0);
        cb.invokevirtual(CD_SITE, "recordMiss", MethodTypeDesc.of(CD_void, CD_Object));
        cb.aload(0);
        loadArguments(cb, mtd);
        invokeOps(cb, s.iface().describeConstable().orElseThrow(), s.iface().isInterface(), s.methodName(), mtd.dropParameterTypes(0, 1));
        cb.return_(TypeKind.from(mtd.returnType()));
    }

    /** Dead bytecode that makes a method too long for C2 to inline (a branch on a constant over nops, folded away). */
    private static void pad(CodeBuilder cb) {
        Label body = cb.newLabel();
        cb.iconst_0();
        cb.ifeq(body);
        for (int i = 0; i < STUB_PADDING; i++) {
            cb.nop();
        }
        cb.labelBinding(body);
    }

    private static MethodHandle define(SiteShape s, byte[] bytes, List<Object> data, String method) {
        try {
            MethodHandles.Lookup hidden = s.lookup().defineHiddenClassWithClassData(bytes, data, true,
                    MethodHandles.Lookup.ClassOption.NESTMATE);
            return hidden.findStatic(hidden.lookupClass(), method, s.type());
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            throw new IllegalStateException("cannot define the " + method + " of site " + s.iface().getName() + "." + s.methodName()
                    + " in " + s.lookup().lookupClass().getName() + ": " + e, e);
        }
    }

    /** Whether bytecode in a nestmate of the lookup class can name {@code c} (checkcast, invokevirtual). */
    private static boolean nameable(MethodHandles.Lookup lookup, Class<?> c) {
        if (c.isHidden() || c.isInterface() || c.isArray() || c.isPrimitive()) {
            return false;
        }
        try {
            lookup.accessClass(c);
            return true;
        } catch (IllegalAccessException e) {
            return false;
        }
    }

    private static void invokeOps(CodeBuilder cb, ClassDesc iface, boolean isInterface, String name, MethodTypeDesc callee) {
        if (isInterface) {
            cb.invokeinterface(iface, name, callee);
        } else {
            cb.invokevirtual(iface, name, callee);
        }
    }

    /** Loads parameters 1..n-1 (the arguments after the receiver). */
    private static void loadArguments(CodeBuilder cb, MethodTypeDesc mtd) {
        for (int i = 1; i < mtd.parameterCount(); i++) {
            cb.loadLocal(TypeKind.from(mtd.parameterType(i)), cb.parameterSlot(i));
        }
    }

    private static DynamicConstantDesc<Object> classDataAt(int index, ClassDesc type) {
        return DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA_AT, ConstantDescs.DEFAULT_NAME, type, index);
    }
}

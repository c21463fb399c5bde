package io.icpbench.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.icpbench.dispatch.Dispatch;
import io.icpbench.dispatch.OpsCallSite;
import io.icpbench.dispatch.OpsStruct;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.classfile.Annotation;
import java.lang.classfile.AnnotationValue;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.MethodModel;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The site table ({@link Site}) against the code: each site is one annotated method of
 * {@link NetStack} that calls only its own ops method, whose {@code instanceof} chains are the
 * table's lists, and everything derived from the table (handles, names) agrees with it.
 */
class SiteTableTest {
    private static final String OPS_CALL_SITE = OpsCallSite.class.descriptorString();
    private static final String DISPATCH = Dispatch.class.getName().replace('.', '/');
    private static ClassModel netStack;
    /** NetStack's @OpsCallSite methods by annotation value, in class-file order. */
    private static final Map<String, MethodModel> ANNOTATED = new LinkedHashMap<>();

    @BeforeAll
    static void readNetStack() throws IOException {
        try (InputStream in = NetStack.class.getResourceAsStream("NetStack.class")) {
            netStack = ClassFile.of().parse(in.readAllBytes());
        }
        for (MethodModel m : netStack.methods()) {
            String name = opsCallSite(m);
            if (name != null) {
                assertThat(ANNOTATED.put(name, m)).as("two methods carry @OpsCallSite(\"%s\")", name).isNull();
            }
        }
    }

    /** The method's @OpsCallSite value, or null. */
    private static String opsCallSite(MethodModel m) {
        var annotations = m.findAttribute(Attributes.runtimeInvisibleAnnotations());
        if (annotations.isEmpty()) {
            return null;
        }
        for (Annotation a : annotations.get().annotations()) {
            if (a.className().stringValue().equals(OPS_CALL_SITE)) {
                return ((AnnotationValue.OfString) a.elements().getFirst().value()).stringValue();
            }
        }
        return null;
    }

    @Test
    void numbersRunFromOneInTableOrder() {
        assertThat(Site.values()).hasSize(Site.COUNT);
        for (Site s : Site.values()) {
            assertThat(s.number).isEqualTo(s.ordinal() + 1);
            assertThat(Site.number(s.number)).isSameAs(s);
            assertThat(Site.named(s.kernelName)).isSameAs(s);
        }
    }

    @Test
    void namesAreUniquePrefixFreeAndSafeInExcludeLists() {
        for (Site a : Site.values()) {
            // The promotion agent's options are "key=a,b;key=..." and leading blanks are trimmed.
            assertThat(a.kernelName).doesNotContain(",", ";", "=").doesNotStartWith(" ").isNotBlank();
            for (Site b : Site.values()) {
                if (a != b) {
                    assertThat(b.kernelName).as("site %d's name against site %d's", b.number, a.number).doesNotStartWith(a.kernelName);
                }
            }
        }
    }

    @Test
    void eachSiteCallsAnOpsMethodOfItsType() throws ReflectiveOperationException {
        for (Site s : Site.values()) {
            assertThat(s.iface.isInterface() && s.iface.isAnnotationPresent(OpsStruct.class)).as("%s is an @OpsStruct interface", s.iface)
                    .isTrue();
            assertThat(s.type.parameterType(0)).as("site %d's receiver", s.number).isEqualTo(s.iface);
            MethodHandle h = MethodHandles.publicLookup().findVirtual(s.iface, s.method, s.type.dropParameterTypes(0, 1));
            assertThat(h.type()).isEqualTo(s.type);
            for (Class<?> target : concat(s.indirectCall, s.devirtualized)) {
                assertThat(s.iface.isAssignableFrom(target) && Modifier.isFinal(target.getModifiers()))
                        .as("site %d's target %s is a final %s (an exact-class test)", s.number, target, s.iface.getSimpleName()).isTrue();
            }
        }
    }

    @Test
    void eachSiteIsOneAnnotatedStaticMethodOfNetStackInSiteOrder() {
        List<String> names = new ArrayList<>();
        for (Site s : Site.values()) {
            names.add(s.kernelName);
            MethodModel m = ANNOTATED.get(s.kernelName);
            assertThat(m).as("a NetStack method annotated @OpsCallSite(\"%s\")", s.kernelName).isNotNull();
            assertThat(m.methodName().stringValue()).isEqualTo(s.stackMethod);
            assertThat(m.methodType().stringValue()).as("%s's type", s.stackMethod).isEqualTo(s.type.toMethodDescriptorString());
            assertThat(m.flags().has(java.lang.reflect.AccessFlag.STATIC)).as("%s is static", s.stackMethod).isTrue();
        }
        assertThat(ANNOTATED.keySet()).as("the annotated methods, in class-file order").containsExactlyElementsOf(names);
    }

    @Test
    void instanceofChainsAreTheTablesLists() {
        for (Site s : Site.values()) {
            Map<Integer, List<String>> byMode = instanceofsByMode(ANNOTATED.get(s.kernelName));
            Map<Integer, List<String>> expected = new TreeMap<>();
            if (!s.indirectCall.isEmpty()) {
                expected.put(Dispatch.INDIRECT_CALL, internalNames(s.indirectCall));
            }
            if (!s.devirtualized.isEmpty()) {
                expected.put(Dispatch.DEVIRTUALIZED, internalNames(s.devirtualized));
            }
            assertThat(byMode).as("site %d %s: instanceof operands per mode branch (%d indirect-call, %d devirtualized)", s.number,
                    s.kernelName, Dispatch.INDIRECT_CALL, Dispatch.DEVIRTUALIZED).isEqualTo(expected);
        }
    }

    @Test
    void annotatedMethodsCallOnlyTheirOwnOpsMethod() throws ClassNotFoundException {
        for (Site s : Site.values()) {
            int own = 0;
            for (InvokeInstruction call : invokes(ANNOTATED.get(s.kernelName))) {
                Class<?> owner = load(call.owner().asInternalName());
                if (!isOps(owner)) {
                    continue;
                }
                assertThat(s.iface.isAssignableFrom(owner) && call.name().stringValue().equals(s.method))
                        .as("site %d %s calls %s.%s", s.number, s.kernelName, owner.getSimpleName(), call.name().stringValue()).isTrue();
                own++;
            }
            assertThat(own).as("site %d's plain call", s.number).isPositive();
        }
    }

    @Test
    void noSiteIsCalledOutsideItsMethod() throws ClassNotFoundException {
        for (MethodModel m : netStack.methods()) {
            if (opsCallSite(m) != null) {
                continue;
            }
            for (InvokeInstruction call : invokes(m)) {
                Class<?> owner = load(call.owner().asInternalName());
                for (Site s : Site.values()) {
                    assertThat(s.iface.isAssignableFrom(owner) && call.name().stringValue().equals(s.method))
                            .as("NetStack.%s calls %s.%s outside site %d's method", m.methodName().stringValue(), owner.getSimpleName(),
                                    s.method, s.number)
                            .isFalse();
                }
            }
        }
    }

    @Test
    void stackSitesHoldsOneStaticFinalHandlePerSite() throws NoSuchFieldException {
        for (Site s : Site.values()) {
            Field f = StackSites.class.getField(s.name());
            assertThat(f.getType()).isEqualTo(MethodHandle.class);
            assertThat(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers())).as("StackSites.%s is static final", s.name())
                    .isTrue();
        }
        assertThat(java.util.Arrays.stream(StackSites.class.getFields()).filter(f -> f.getType() == MethodHandle.class))
                .hasSize(Site.COUNT);
    }

    @Test
    void mainPrintsOneTabSeparatedLinePerSite() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Site.print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(Site.COUNT);
        assertThat(lines.get(8)).startsWith("9\tipprot->handler\tNetProtocol\thandler\tipprotHandler\tProtocols.TcpRcv,UdpRcv\tUdpRcv\t");
        assertThat(lines.get(12)).startsWith("13\tptype_all->func\tPacketType\tfunc\tdeliverSkb\t-\t-\t");
        for (Site s : Site.values()) {
            String[] columns = lines.get(s.ordinal()).split("\t");
            assertThat(columns).hasSize(8);
            // The call indexes: one per ops call of the site's method (the table's targets each one, and the plain calls).
            assertThat(columns[7]).as("site %d's call indexes", s.number).matches("[0-9]+(,[0-9]+)*");
            List<InvokeInstruction> own = invokes(ANNOTATED.get(s.kernelName)).stream()
                    .filter(i -> i.name().stringValue().equals(s.method) && !i.owner().asInternalName().startsWith("java/")).toList();
            assertThat(columns[7].split(",")).hasSize(own.size());
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * The {@code instanceof} operands of a method, grouped by the mode of the branch they are in:
     * the constant compared with {@code Dispatch.MODE_ID} last ({@code MODE_ID == INDIRECT_CALL}
     * compiles to getstatic MODE_ID, iconst_2, if_icmpne); -1 before any such test.
     */
    private static Map<Integer, List<String>> instanceofsByMode(MethodModel m) {
        Map<Integer, List<String>> out = new TreeMap<>();
        int mode = -1;
        boolean modeNext = false;
        for (CodeElement e : m.code().orElseThrow()) {
            if (modeNext && e instanceof ConstantInstruction c) {
                mode = ((Number) c.constantValue()).intValue();
            }
            if (e instanceof java.lang.classfile.Instruction) {
                modeNext = e instanceof FieldInstruction f && f.opcode() == Opcode.GETSTATIC && f.owner().asInternalName().equals(DISPATCH)
                        && f.name().stringValue().equals("MODE_ID");
            }
            if (e instanceof TypeCheckInstruction t && t.opcode() == Opcode.INSTANCEOF) {
                out.computeIfAbsent(mode, k -> new ArrayList<>()).add(t.type().asInternalName());
            }
        }
        return out;
    }

    private static List<InvokeInstruction> invokes(MethodModel m) {
        List<InvokeInstruction> out = new ArrayList<>();
        m.code().ifPresent(code -> code.forEach(e -> {
            if (e instanceof InvokeInstruction i) {
                out.add(i);
            }
        }));
        return out;
    }

    /** An ops interface, or a class that implements one. */
    private static boolean isOps(Class<?> c) {
        for (Site s : Site.values()) {
            if (s.iface.isAssignableFrom(c)) {
                return true;
            }
        }
        return c.isAnnotationPresent(OpsStruct.class);
    }

    private static Class<?> load(String internalName) throws ClassNotFoundException {
        return Class.forName(internalName.replace('/', '.'), false, SiteTableTest.class.getClassLoader());
    }

    private static List<String> internalNames(List<Class<?>> classes) {
        return classes.stream().map(c -> c.getName().replace('.', '/')).toList();
    }

    private static List<Class<?>> concat(List<Class<?>> a, List<Class<?>> b) {
        List<Class<?>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}

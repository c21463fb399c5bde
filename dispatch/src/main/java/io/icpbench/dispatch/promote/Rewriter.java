package io.icpbench.dispatch.promote;

import java.lang.classfile.Annotation;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.ClassTransform;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeTransform;
import java.lang.classfile.MethodModel;
import java.lang.classfile.MethodTransform;
import java.lang.classfile.Opcode;
import java.lang.classfile.attribute.RuntimeVisibleAnnotationsAttribute;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.constant.DynamicCallSiteDesc;
import java.lang.constant.MethodHandleDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The promotion pass: rewrites every {@code invokeinterface} and {@code invokevirtual} of a method
 * that an {@link io.icpbench.dispatch.OpsStruct} interface declares into an {@code invokedynamic}
 * bound to a learned site ({@link Promotion#bootstrap}). The load-time agent and the ahead-of-time
 * jar pass share this class.
 *
 * <p>What is never rewritten: calls of methods the ops interface does not declare itself or through
 * a super-interface that is also an ops struct (e.g. {@code getClass()}, {@code hashCode()}
 * through an interface-typed value), static and private interface methods, {@code invokespecial},
 * classes outside the named packages, sites on the exclude list, and {@code invokevirtual} on a
 * final class (a direct call already).
 *
 * <p>The rewritten instruction has the same stack effect as the original (receiver and arguments
 * in, result out), so nothing else in the method changes.
 */
public final class Rewriter {
    static final ClassDesc OPS_STRUCT = ClassDesc.of("io.icpbench.dispatch.OpsStruct");
    static final ClassDesc OPS_CALL_SITE = ClassDesc.of("io.icpbench.dispatch.OpsCallSite");
    static final DirectMethodHandleDesc BOOTSTRAP = MethodHandleDesc.ofMethod(DirectMethodHandleDesc.Kind.STATIC,
            ClassDesc.of("io.icpbench.dispatch.promote.Promotion"), "bootstrap",
            MethodTypeDesc.of(ConstantDescs.CD_CallSite, ConstantDescs.CD_MethodHandles_Lookup, ConstantDescs.CD_String,
                    ConstantDescs.CD_MethodType, ConstantDescs.CD_String, ConstantDescs.CD_Class, ConstantDescs.CD_String));

    /** The result of rewriting one class. */
    public record Result(byte[] bytes, List<String> sites) {
        public boolean changed() {
            return !sites.isEmpty();
        }
    }

    private final RewriteOptions options;
    /** The learning settings every rewritten site carries, in canonical form ({@link io.icpbench.dispatch.Learning#format()}). */
    private final String learning;
    private final ClassBytes classBytes;
    /** "owner.name.desc" -> whether a call of it is an ops call. */
    private final Map<String, Boolean> opsMethods = new ConcurrentHashMap<>();

    public Rewriter(RewriteOptions options, ClassBytes classBytes) {
        this.options = options;
        this.learning = options.learning().format();
        this.classBytes = classBytes;
    }

    public RewriteOptions options() {
        return options;
    }

    /**
     * Rewrites one class file.
     *
     * @return the new bytes and the names of the rewritten sites; the input bytes and no sites if
     *         the class is outside the packages or has nothing to rewrite
     * @throws IllegalArgumentException if the class file cannot be parsed or rewritten
     */
    public Result rewrite(byte[] classFile, ClassLoader loader) {
        // Stack maps are recomputed from class files read as bytes, never by loading classes: loading
        // a class in the middle of a transform would skip the agent for it (or define it twice).
        ClassBytes fromLoader = ClassBytes.of(loader);
        ClassBytes source = classBytes == null ? fromLoader : name -> {
            byte[] b = classBytes.find(name);
            return b != null ? b : fromLoader.find(name);
        };
        ClassHierarchyResolver resolver = ClassHierarchyResolver.ofResourceParsing(desc -> {
            byte[] b = source.find(desc.descriptorString().substring(1, desc.descriptorString().length() - 1));
            return b == null ? null : new java.io.ByteArrayInputStream(b);
        }).cached();
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(resolver));
        ClassModel cm = cf.parse(classFile);
        String className = cm.thisClass().asInternalName();
        if (!options.covers(className) || cm.flags().has(AccessFlag.INTERFACE) && cm.methods().stream().noneMatch(m -> m.code().isPresent())) {
            return new Result(classFile, List.of());
        }
        String simple = className.substring(className.lastIndexOf('/') + 1).replace('$', '.');
        List<String> sites = new ArrayList<>();
        boolean any = cm.methods().stream().anyMatch(m -> m.code().isPresent() && m.code().get().elementStream()
                .anyMatch(e -> e instanceof InvokeInstruction ii && isOpsCall(ii)));
        if (!any) {
            return new Result(classFile, List.of());
        }
        java.util.Map<String, Integer> seen = new java.util.HashMap<>();
        ClassTransform perMethod = (clb, ce) -> {
            if (ce instanceof MethodModel mm && mm.code().isPresent()) {
                clb.transformMethod(mm, MethodTransform.transformingCode(new SiteRewriter(simple, mm.methodName().stringValue(),
                        siteNameOf(mm), sites, seen)));
            } else {
                clb.with(ce);
            }
        };
        byte[] out = cf.transformClass(cm, perMethod);
        return new Result(out, List.copyOf(sites));
    }

    /** The value of a method's {@code @OpsCallSite}, or null. */
    private static String siteNameOf(MethodModel mm) {
        for (var attr : mm.attributes()) {
            List<Annotation> annotations = attr instanceof java.lang.classfile.attribute.RuntimeInvisibleAnnotationsAttribute a ? a.annotations()
                    : attr instanceof RuntimeVisibleAnnotationsAttribute a ? a.annotations() : List.of();
            for (Annotation an : annotations) {
                if (an.classSymbol().equals(OPS_CALL_SITE)) {
                    for (var e : an.elements()) {
                        if (e.name().equalsString("value") && e.value() instanceof java.lang.classfile.AnnotationValue.OfString v) {
                            return v.stringValue();
                        }
                    }
                }
            }
        }
        return null;
    }

    /**
     * Rewrites the calls of one method body. A site in a method annotated {@code @OpsCallSite} takes
     * the annotation's name (the kernel's name of the site, shared with the hand-converted mode);
     * any other is an extra site named "Class.method -> Iface.method" (" #2" and on for repeats in
     * one class), without a line number, so names do not drift when code moves.
     */
    private final class SiteRewriter implements CodeTransform {
        private final String simpleClass;
        private final List<String> sites;
        private final String method;
        private final String annotated;
        private final java.util.Map<String, Integer> seen;

        SiteRewriter(String simpleClass, String method, String annotated, List<String> sites, java.util.Map<String, Integer> seen) {
            this.simpleClass = simpleClass;
            this.method = method;
            this.annotated = annotated;
            this.sites = sites;
            this.seen = seen;
        }

        @Override
        public void accept(CodeBuilder builder, CodeElement element) {
            if (element instanceof InvokeInstruction ii && isOpsCall(ii)) {
                String name;
                if (annotated != null) {
                    name = annotated;
                } else {
                    String owner = ii.owner().asInternalName();
                    String ownerSimple = owner.substring(owner.lastIndexOf('/') + 1).replace('$', '.');
                    name = simpleClass + "." + method + " -> " + ownerSimple + "." + ii.name().stringValue();
                    int n = seen.merge(name, 1, Integer::sum);
                    if (n > 1) {
                        name = name + " #" + n;
                    }
                }
                if (!options.excluded(name)) {
                    ClassDesc ownerDesc = ii.owner().asSymbol();
                    MethodTypeDesc type = ii.typeSymbol().insertParameterTypes(0, ownerDesc);
                    builder.invokedynamic(DynamicCallSiteDesc.of(BOOTSTRAP, ii.name().stringValue(), type, name, ownerDesc,
                            learning));
                    sites.add(name);
                    return;
                }
            }
            builder.with(element);
        }
    }

    private boolean isOpsCall(InvokeInstruction ii) {
        Opcode op = ii.opcode();
        if (op != Opcode.INVOKEINTERFACE && op != Opcode.INVOKEVIRTUAL) {
            return false;
        }
        String owner = ii.owner().asInternalName();
        if (owner.startsWith("java/") || owner.startsWith("[")) {
            return false;
        }
        String key = owner + "." + ii.name().stringValue() + ii.type().stringValue();
        if (op == Opcode.INVOKEVIRTUAL && finalClass(owner)) {
            // The receiver's static type is a final class: the call is direct already.
            return false;
        }
        return opsMethods.computeIfAbsent(key, k -> declaredByOpsStruct(owner, ii.name().stringValue(), ii.type().stringValue(), 0));
    }

    /** Whether {@code owner} or a supertype of it is an ops struct that declares the method. */
    private boolean declaredByOpsStruct(String owner, String name, String desc, int depth) {
        if (depth > 32 || owner == null || owner.startsWith("java/")) {
            return false;
        }
        byte[] bytes = classBytes != null ? classBytes.find(owner) : null;
        if (bytes == null) {
            return false;
        }
        ClassModel cm = ClassFile.of().parse(bytes);
        if (cm.flags().has(AccessFlag.INTERFACE) && annotatedOpsStruct(cm)) {
            for (MethodModel m : cm.methods()) {
                if (m.methodName().equalsString(name) && m.methodType().equalsString(desc) && !m.flags().has(AccessFlag.STATIC)
                        && !m.flags().has(AccessFlag.PRIVATE)) {
                    return true;
                }
            }
        }
        for (ClassEntry i : cm.interfaces()) {
            if (declaredByOpsStruct(i.asInternalName(), name, desc, depth + 1)) {
                return true;
            }
        }
        return cm.superclass().map(s -> declaredByOpsStruct(s.asInternalName(), name, desc, depth + 1)).orElse(false);
    }

    private final Map<String, Boolean> finalClasses = new ConcurrentHashMap<>();

    private boolean finalClass(String owner) {
        return finalClasses.computeIfAbsent(owner, o -> {
            byte[] bytes = classBytes != null ? classBytes.find(o) : null;
            return bytes != null && ClassFile.of().parse(bytes).flags().has(AccessFlag.FINAL);
        });
    }

    private static boolean annotatedOpsStruct(ClassModel cm) {
        Optional<RuntimeVisibleAnnotationsAttribute> a = cm.findAttribute(Attributes.runtimeVisibleAnnotations());
        if (a.isEmpty()) {
            return false;
        }
        for (Annotation an : a.get().annotations()) {
            if (an.classSymbol().equals(OPS_STRUCT)) {
                return true;
            }
        }
        return false;
    }
}

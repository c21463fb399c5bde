package io.icpbench.dispatch;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks an interface as an ops struct: its methods are the function pointers whose call sites
 * transparent promotion rewrites (opt-in, as a compiler plugin would be told which structs to
 * treat). The rewriter reads the annotation from the class file; nothing else changes.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
public @interface OpsStruct {
}

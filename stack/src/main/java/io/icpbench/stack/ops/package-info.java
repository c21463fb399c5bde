/**
 * The ops structs of the modeled receive path: one interface per indirect call site of
 * DESIGN.md ("The modeled UDP receive path"), named after the kernel's function pointer.
 *
 * <p>Each interface is called from exactly one place in the stack (its call site, marked
 * {@code CALL SITE n} in the source), so each keeps its own type profile in HotSpot.
 */
package io.icpbench.stack.ops;

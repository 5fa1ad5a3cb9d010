/**
 * The domain model every layer shares: MTRR MSRs ({@link org.mtrrledger.events.model.MtrrMsr},
 * {@link org.mtrrledger.events.model.FixedMtrr}), a vCPU's MTRR register file
 * ({@link org.mtrrledger.events.model.MtrrState}: the fold's state and the generator's), CR0 bits and what KVM does
 * with a write ({@link org.mtrrledger.events.model.Cr0}), memory types ({@link org.mtrrledger.events.model.MemType}),
 * GFN ranges ({@link org.mtrrledger.events.model.GfnRange}), event references
 * ({@link org.mtrrledger.events.model.EventRef}), the kinds of event and their names on the wire
 * ({@link org.mtrrledger.events.model.EventKind}) and the one spelling of a 64-bit value
 * ({@link org.mtrrledger.events.model.Hex}). It sits below the parsers, the generator, the fold, the projections and
 * the renderers so that each speaks of the same registers in the same types. Values that belong to one code path
 * (SeaBIOS's, OVMF's or Linux's CR0 values, Linux's PAT) stay with the generator class that models that path.
 */
package org.mtrrledger.events.model;

/**
 * The x86 model every layer shares: MTRR MSRs ({@link org.mtrrledger.events.model.MtrrMsr},
 * {@link org.mtrrledger.events.model.FixedMtrr}), a vCPU's MTRR register file
 * ({@link org.mtrrledger.events.model.MtrrState}), CR0 bits ({@link org.mtrrledger.events.model.Cr0}), memory types
 * ({@link org.mtrrledger.events.model.MemType}), GFN ranges ({@link org.mtrrledger.events.model.GfnRange}) and event
 * references ({@link org.mtrrledger.events.model.EventRef}). It sits below the parsers, the generator, the fold and the
 * projections so that each speaks of the same registers in the same types.
 */
package org.mtrrledger.events.model;

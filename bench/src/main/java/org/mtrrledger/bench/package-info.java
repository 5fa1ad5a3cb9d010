/** Benchmarks: the end-to-end harness behind {@code bench/run} and JMH micro-benchmarks. */
package org.mtrrledger.bench;

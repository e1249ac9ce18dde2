/** Benchmarks: programs that measure and print figures; never pass/fail tests. */
package dev.tgdesk.bench;

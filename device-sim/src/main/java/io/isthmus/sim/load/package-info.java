/**
 * Load shapes: how the total event rate of a run varies (constant, Poisson, bursty on/off, ramp),
 * as {@link io.isthmus.sim.load.ArrivalSchedule}s of arrival times.
 */
package io.isthmus.sim.load;

/** functions/scenario */
package dev.tgdesk.scenario;

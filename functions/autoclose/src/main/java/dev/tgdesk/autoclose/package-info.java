/** functions/autoclose: closes dialogs idle for longer than IDLE_HOURS (EventBridge schedule). */
package dev.tgdesk.autoclose;

// Loaded with NODE_OPTIONS=--require by a runtime client other than ours (AWS's, in an official image) in a
// debugged instance: the same inspector, pid shield and wait as our client's, before that client loads.
import { waitForDebuggerIfAsked } from './debugger';

waitForDebuggerIfAsked();

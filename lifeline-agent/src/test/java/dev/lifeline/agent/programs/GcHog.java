package dev.lifeline.agent.programs;

import java.util.ArrayList;
import java.util.List;

/**
 * On a line {@code fill} on standard input (so that a test can first see the agent hold its
 * beacon), fills its heap with live data until an allocation fails, then gives back a sliver and keeps
 * allocating garbage: with the live set that close to the maximum heap, the collector
 * runs nearly all the time. Prints {@code full} once the live set is in place. Run it with a
 * small fixed heap ({@code -Xmx64m}) and the Serial collector, whose pauses are the whole story.
 */
public final class GcHog {
    private GcHog() {
    }

    @SuppressWarnings("unused")
    private static volatile Object sink;

    public static void main(String[] args) throws java.io.IOException {
        System.out.println("waiting");
        System.out.flush();
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(System.in)).readLine();
        if (!"fill".equals(line)) {
            return;
        }
        List<byte[]> live = new ArrayList<>();
        try {
            while (true) {
                live.add(new byte[16 * 1024]);
            }
        } catch (OutOfMemoryError full) {
            // the heap is full of live data
        }
        // Give back 64 KB: each collection frees only that much, which the loop below fills again
        // at once. An allocation that still fails gives back 16 KB more.
        live.subList(live.size() - 4, live.size()).clear();
        System.out.println("full " + live.size());
        System.out.flush();
        while (true) {
            try {
                sink = new byte[1024];
            } catch (OutOfMemoryError again) {
                live.remove(live.size() - 1);
            }
        }
    }
}

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayDeque;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken()), k = Integer.parseInt(st.nextToken());
        st = new StringTokenizer(br.readLine());
        ArrayDeque<Integer> window = new ArrayDeque<>();
        long total = 0;
        for (int i = 0; i < n; i++) {
            window.addLast(Integer.parseInt(st.nextToken()));
            if (window.size() > k) window.pollFirst();
            if (window.size() < k) continue;
            int best = window.peekFirst();
            for (int x : window) best = Math.max(best, x);
            total += best;
        }
        System.out.println(total);
    }
}

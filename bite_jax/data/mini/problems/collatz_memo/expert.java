import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        // len[v] is final for all v < i: follow the chain only until it drops below i
        int[] len = new int[n + 1];
        int best = 1, bestLen = 0;
        for (int i = 2; i <= n; i++) {
            long x = i;
            int steps = 0;
            while (x >= i) {
                x = (x & 1) == 1 ? 3 * x + 1 : x >> 1;
                steps++;
            }
            len[i] = steps + len[(int) x];
            if (len[i] > bestLen) {
                bestLen = len[i];
                best = i;
            }
        }
        System.out.println(best + " " + bestLen);
    }
}

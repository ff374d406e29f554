import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int q = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        int[] xs = new int[q];
        int top = 2;
        for (int i = 0; i < q; i++) {
            xs[i] = Integer.parseInt(st.nextToken());
            top = Math.max(top, xs[i]);
        }
        // one sieve up to the largest query, then prefix counts answer every query
        boolean[] composite = new boolean[top + 1];
        int[] count = new int[top + 1];
        for (int i = 2; i <= top; i++) {
            count[i] = count[i - 1];
            if (composite[i]) continue;
            count[i]++;
            for (long j = (long) i * i; j <= top; j += i) composite[(int) j] = true;
        }
        StringBuilder sb = new StringBuilder();
        for (int x : xs) sb.append(count[x]).append('\n');
        System.out.print(sb);
    }
}

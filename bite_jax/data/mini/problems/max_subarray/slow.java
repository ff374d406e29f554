import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        long[] a = new long[n];
        for (int i = 0; i < n; i++) a[i] = Long.parseLong(st.nextToken());
        // the best block containing a[i] grows left and right of i independently
        long best = a[0];
        for (int i = 0; i < n; i++) {
            long s = 0, left = a[i], right = a[i];
            for (int j = i; j >= 0; j--) {
                s += a[j];
                left = Math.max(left, s);
            }
            s = 0;
            for (int j = i; j < n; j++) {
                s += a[j];
                right = Math.max(right, s);
            }
            best = Math.max(best, left + right - a[i]);
        }
        System.out.println(best);
    }
}

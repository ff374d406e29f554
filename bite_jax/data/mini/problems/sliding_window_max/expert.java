import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        StringTokenizer st = new StringTokenizer(br.readLine());
        int n = Integer.parseInt(st.nextToken()), k = Integer.parseInt(st.nextToken());
        st = new StringTokenizer(br.readLine());
        int[] a = new int[n];
        for (int i = 0; i < n; i++) a[i] = Integer.parseInt(st.nextToken());
        // dq[head..tail) holds window indices with decreasing values; the front is the maximum
        int[] dq = new int[n];
        int head = 0, tail = 0;
        long total = 0;
        for (int i = 0; i < n; i++) {
            while (tail > head && a[dq[tail - 1]] <= a[i]) tail--;
            dq[tail++] = i;
            if (dq[head] <= i - k) head++;
            if (i >= k - 1) total += a[dq[head]];
        }
        System.out.println(total);
    }
}

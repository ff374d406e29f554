import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.Arrays;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        int[] l = new int[n], r = new int[n];
        for (int i = 0; i < n; i++) {
            StringTokenizer st = new StringTokenizer(br.readLine());
            l[i] = Integer.parseInt(st.nextToken());
            r[i] = Integer.parseInt(st.nextToken());
        }
        Arrays.sort(l);
        Arrays.sort(r);
        // sweep the starts; intervals ending at or before a start are closed
        int best = 0, j = 0;
        for (int i = 0; i < n; i++) {
            while (r[j] <= l[i]) j++;
            best = Math.max(best, i + 1 - j);
        }
        System.out.println(best);
    }
}

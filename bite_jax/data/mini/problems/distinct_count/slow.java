import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.util.ArrayList;
import java.util.StringTokenizer;

public class Main {
    public static void main(String[] args) throws IOException {
        BufferedReader br = new BufferedReader(new InputStreamReader(System.in));
        int n = Integer.parseInt(br.readLine().trim());
        StringTokenizer st = new StringTokenizer(br.readLine());
        ArrayList<Integer> a = new ArrayList<>();
        for (int i = 0; i < n; i++) a.add(Integer.parseInt(st.nextToken()));
        // a value is counted at its last occurrence
        int d = 0;
        for (int i = 0; i < n; i++) {
            boolean later = false;
            for (int j = i + 1; j < n; j++) {
                if (a.get(j).equals(a.get(i))) later = true;
            }
            if (!later) d++;
        }
        System.out.println(d);
    }
}

#include <iostream>
#include <vector>
using namespace std;

int main() {
    long long n;
    cin >> n;
    // len[v] is final for all v < i: follow the chain only until it drops below i
    vector<int> len(n + 1, 0);
    long long best = 1, bestLen = 0;
    for (long long i = 2; i <= n; ++i) {
        long long x = i;
        int steps = 0;
        while (x >= i) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            ++steps;
        }
        len[i] = steps + len[x];
        if (len[i] > bestLen) {
            bestLen = len[i];
            best = i;
        }
    }
    cout << best << ' ' << bestLen << '\n';
    return 0;
}

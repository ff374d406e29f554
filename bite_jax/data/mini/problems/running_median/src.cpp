#include <iostream>
#include <vector>
using namespace std;

int main() {
    ios::sync_with_stdio(false);
    cin.tie(nullptr);
    int n;
    cin >> n;
    vector<int> a(n);
    long long total = 0;
    for (int k = 0; k < n; ++k) {
        int x;
        cin >> x;
        // insert x into the sorted prefix a[0..k)
        int j = k;
        while (j > 0 && a[j - 1] > x) {
            a[j] = a[j - 1];
            --j;
        }
        a[j] = x;
        total += a[k / 2];
    }
    cout << total << '\n';
    return 0;
}
